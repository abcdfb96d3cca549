-- IngestService's own schema in ridesdb. Feature tables arrive in later migrations.
CREATE SCHEMA IF NOT EXISTS rides;
COMMENT ON SCHEMA rides IS 'IngestService: XRides ride feed intake, tracking and analytics';
