-- OAuth2 clients, refresh-token families, users' API keys and the JWT signing keys.
CREATE TABLE auth.clients (
    client_id character varying(64) NOT NULL,
    name character varying(200) NOT NULL,
    secret_hash bytea NOT NULL,              -- SHA-256 of a 256-bit random secret
    grant_types text[] NOT NULL,
    scopes text[] NOT NULL,
    can_introspect boolean NOT NULL,
    created_at timestamp with time zone NOT NULL,
    secret_rotated_at timestamp with time zone,
    disabled_at timestamp with time zone,
    CONSTRAINT clients_pkey PRIMARY KEY (client_id)
);

CREATE TABLE auth.refresh_tokens (
    id uuid NOT NULL,
    token_hash bytea NOT NULL,               -- SHA-256 of the opaque token
    family_id uuid NOT NULL,                 -- every token rotated from one grant
    parent_id uuid,
    client_id character varying(64) NOT NULL,
    user_id uuid NOT NULL,
    scope text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    used_at timestamp with time zone,
    revoked_at timestamp with time zone,
    CONSTRAINT refresh_tokens_pkey PRIMARY KEY (id),
    CONSTRAINT refresh_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX refresh_tokens_token_hash_key ON auth.refresh_tokens (token_hash);
CREATE INDEX refresh_tokens_family_id_idx ON auth.refresh_tokens (family_id);

CREATE TABLE auth.api_keys (
    id character varying(12) NOT NULL,
    user_id uuid NOT NULL,
    name character varying(100) NOT NULL,
    secret_hash bytea NOT NULL,              -- SHA-256 of the whole key
    scopes text[] NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone,
    revoked_at timestamp with time zone,
    CONSTRAINT api_keys_pkey PRIMARY KEY (id),
    CONSTRAINT api_keys_user_id_fkey FOREIGN KEY (user_id) REFERENCES auth.users (id) ON DELETE CASCADE
);
CREATE INDEX api_keys_user_id_idx ON auth.api_keys (user_id);

-- Private keys as unencrypted PKCS#8: acceptable here (only AuthService reaches authdb); wrap with a KMS in production.
CREATE TABLE auth.signing_keys (
    id character varying(64) NOT NULL,       -- kid, the RFC 7638 thumbprint
    algorithm character varying(16) NOT NULL,
    private_key bytea NOT NULL,
    created_at timestamp with time zone NOT NULL,
    deactivated_at timestamp with time zone, -- null: the one key that signs
    published_until timestamp with time zone,
    CONSTRAINT signing_keys_pkey PRIMARY KEY (id)
);
-- Two replicas rotating at once cannot both leave an active key.
CREATE UNIQUE INDEX signing_keys_one_active ON auth.signing_keys (algorithm) WHERE deactivated_at IS NULL;
