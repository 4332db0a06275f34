"""Pure table → table functions: records to KPIs, intervals, and queueing theory."""
