-- A route's saved trigger windows are replaced only by a state that has not counted less in
-- any partition both have counted. 0004 compared the partition each state counted last and
-- nothing else, so once the runtime topic's partition count changed (moving a tenant to
-- another partition), an instance still finishing a batch of the old partition could
-- overwrite a state that had counted further there and moved on to the new one.
--
-- `newest_offsets` is the newest offset counted in each partition, as a JSON object keyed by
-- partition ("{"0": 80, "3": 12}"). Rows saved by the previous release during a rolling
-- upgrade leave it as it was; it is believed only while it agrees with `kafka_partition` and
-- `kafka_offset` (the state's last counted event is always the newest of its partition).
ALTER TABLE policy.trigger_windows
    ADD COLUMN newest_offsets jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(newest_offsets) = 'object');

-- Whether a state counting `saving` (newest offsets by partition) is behind the stored row:
-- some partition both have counted holds a newer offset in the row.
CREATE FUNCTION policy.trigger_windows_behind(stored_partition integer, stored_offset bigint, stored_newest jsonb, saving jsonb)
RETURNS boolean
LANGUAGE sql IMMUTABLE SET search_path = pg_catalog AS $$
    SELECT EXISTS (
        SELECT 1
        FROM (
            SELECT key, value::bigint AS counted FROM jsonb_each_text(stored_newest)
            WHERE stored_newest ->> stored_partition::text = stored_offset::text
            UNION ALL
            SELECT stored_partition::text, stored_offset WHERE stored_partition >= 0
        ) AS stored
        JOIN jsonb_each_text(saving) AS saved ON saved.key = stored.key
        WHERE stored.counted > saved.value::bigint
    )
$$;

-- Saves the trigger windows of routes of the current tenant (one row per route; the arrays
-- are parallel), keeping a stored state wherever the saved one is behind it.
CREATE FUNCTION policy.save_trigger_windows(routes text[], states bytea[], partitions integer[], offsets bigint[], newest jsonb[])
RETURNS void
LANGUAGE sql VOLATILE SET search_path = pg_catalog, policy AS $$
    INSERT INTO policy.trigger_windows (tenant_id, route_id, state, kafka_partition, kafka_offset, newest_offsets)
    SELECT palisade.current_tenant(), route, state, kafka_partition, kafka_offset, newest_offsets
    FROM unnest(routes, states, partitions, offsets, newest) AS saved (route, state, kafka_partition, kafka_offset, newest_offsets)
    ON CONFLICT (tenant_id, route_id) DO UPDATE
        SET state = EXCLUDED.state, kafka_partition = EXCLUDED.kafka_partition, kafka_offset = EXCLUDED.kafka_offset,
            newest_offsets = EXCLUDED.newest_offsets, saved_at = now()
        WHERE NOT policy.trigger_windows_behind(policy.trigger_windows.kafka_partition, policy.trigger_windows.kafka_offset,
                                                policy.trigger_windows.newest_offsets, EXCLUDED.newest_offsets)
$$;

REVOKE ALL ON FUNCTION policy.trigger_windows_behind(integer, bigint, jsonb, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION policy.save_trigger_windows(text[], bytea[], integer[], bigint[], jsonb[]) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION policy.trigger_windows_behind(integer, bigint, jsonb, jsonb) TO %I', current_setting('palisade.runtime_role'));
    EXECUTE format('GRANT EXECUTE ON FUNCTION policy.save_trigger_windows(text[], bytea[], integer[], bigint[], jsonb[]) TO %I', current_setting('palisade.runtime_role'));
END
$$;
