-- FileService's own schema in filesdb. Feature tables arrive in later migrations.
CREATE SCHEMA IF NOT EXISTS files;
COMMENT ON SCHEMA files IS 'FileService: uploaded files, their metadata and sensitivity scan results';
