-- The packs topic is the only way gateways learn a tenant's set, and a set is published only
-- when it changes. The policy service compares the topic's last record of each tenant with
-- the revision stored here and publishes the set again where the topic lost it (a recreated
-- topic, a new cluster) or kept an older one last (two publications landing out of order).
-- It needs every tenant's revision; this function is its one way across tenants.

CREATE POLICY repair_scan ON policy.pack_sets FOR SELECT TO CURRENT_USER USING (true);

-- Up to `max_count` tenants' set revisions, by tenant id, after `after_tenant` (NULL: from the first).
CREATE FUNCTION policy.pack_set_revisions(after_tenant uuid, max_count integer)
RETURNS TABLE (tenant_id uuid, revision bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, policy AS $$
    SELECT s.tenant_id, s.revision FROM policy.pack_sets s
    WHERE after_tenant IS NULL OR s.tenant_id > after_tenant
    ORDER BY s.tenant_id
    LIMIT max_count
$$;

REVOKE ALL ON FUNCTION policy.pack_set_revisions(uuid, integer) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION policy.pack_set_revisions(uuid, integer) TO %I', current_setting('palisade.runtime_role'));
END
$$;
