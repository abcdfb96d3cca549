-- AuthService's own schema in authdb. Feature tables arrive in later migrations.
CREATE SCHEMA IF NOT EXISTS auth;
COMMENT ON SCHEMA auth IS 'AuthService: users, OAuth2 clients, API keys, signing keys';
