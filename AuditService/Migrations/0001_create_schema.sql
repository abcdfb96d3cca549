-- AuditService's own schema in auditdb. Feature tables arrive in later migrations.
CREATE SCHEMA IF NOT EXISTS audit;
COMMENT ON SCHEMA audit IS 'AuditService: audit events from every service and from outside';
