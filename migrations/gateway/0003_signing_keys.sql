-- The keys the gateway signs platform tokens with. Platform-wide, not a tenant's, so no
-- row-level security: only the gateway's roles can reach the identity schema at all. Private
-- keys are sealed (AES-256-GCM) under the master key named by wrapping_key_id.
CREATE TABLE identity.signing_keys (
    kid                text        PRIMARY KEY CHECK (length(kid) BETWEEN 1 AND 64),
    public_key         bytea       NOT NULL CHECK (length(public_key) = 32),
    sealed_private_key bytea       NOT NULL,
    wrapping_key_id    text        NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    -- Published from creation; signs from signs_from until the next key's signs_from.
    signs_from         timestamptz NOT NULL
);
CREATE INDEX signing_keys_by_start ON identity.signing_keys (signs_from);
