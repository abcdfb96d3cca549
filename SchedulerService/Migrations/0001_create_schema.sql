-- SchedulerService's own schema in eventsdb. Feature tables arrive in later migrations.
CREATE SCHEMA IF NOT EXISTS scheduler;
COMMENT ON SCHEMA scheduler IS 'SchedulerService: cron jobs and the provider-events catalogue';
