"""Run folders, tables for people, and (later) the HTML report."""
