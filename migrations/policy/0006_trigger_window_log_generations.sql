-- A checkpoint's offsets mean something only in the log they were counted in. When the runtime
-- topic is recreated, or the service pointed at a new Kafka cluster, offsets start again from
-- 0: against 0005's rule every save would then be "behind" the stored row (and every event a
-- redelivery) until the new log passed the old offsets. The policy service tells a replaced
-- log by a counted offset at or past the partition's high watermark, forgets its offsets and
-- counts on in the next `log_generation`; a save of a later generation replaces the row
-- whatever the offsets, and one of an earlier generation (an instance still on the old
-- offsets) never does.
ALTER TABLE policy.trigger_windows
    ADD COLUMN log_generation bigint NOT NULL DEFAULT 0 CHECK (log_generation >= 0);

-- Saves the trigger windows of routes of the current tenant (one row per route; the arrays
-- are parallel), keeping a stored state of a later generation, or of the same generation
-- wherever the saved one is behind it.
CREATE FUNCTION policy.save_trigger_windows(routes text[], states bytea[], partitions integer[], offsets bigint[], newest jsonb[],
                                            generations bigint[])
RETURNS void
LANGUAGE sql VOLATILE SET search_path = pg_catalog, policy AS $$
    INSERT INTO policy.trigger_windows (tenant_id, route_id, state, kafka_partition, kafka_offset, newest_offsets, log_generation)
    SELECT palisade.current_tenant(), route, state, kafka_partition, kafka_offset, newest_offsets, log_generation
    FROM unnest(routes, states, partitions, offsets, newest, generations)
        AS saved (route, state, kafka_partition, kafka_offset, newest_offsets, log_generation)
    ON CONFLICT (tenant_id, route_id) DO UPDATE
        SET state = EXCLUDED.state, kafka_partition = EXCLUDED.kafka_partition, kafka_offset = EXCLUDED.kafka_offset,
            newest_offsets = EXCLUDED.newest_offsets, log_generation = EXCLUDED.log_generation, saved_at = now()
        WHERE policy.trigger_windows.log_generation < EXCLUDED.log_generation
           OR (policy.trigger_windows.log_generation = EXCLUDED.log_generation
               AND NOT policy.trigger_windows_behind(policy.trigger_windows.kafka_partition, policy.trigger_windows.kafka_offset,
                                                     policy.trigger_windows.newest_offsets, EXCLUDED.newest_offsets))
$$;

-- The previous release's call, during a rolling upgrade: it knows no generations, so it saves
-- as generation 0 and never replaces a row counted in a newer log.
CREATE OR REPLACE FUNCTION policy.save_trigger_windows(routes text[], states bytea[], partitions integer[], offsets bigint[], newest jsonb[])
RETURNS void
LANGUAGE sql VOLATILE SET search_path = pg_catalog, policy AS $$
    SELECT policy.save_trigger_windows(routes, states, partitions, offsets, newest,
                                       array_fill(0::bigint, ARRAY[coalesce(cardinality(routes), 0)]))
$$;

REVOKE ALL ON FUNCTION policy.save_trigger_windows(text[], bytea[], integer[], bigint[], jsonb[], bigint[]) FROM PUBLIC;
DO $$
BEGIN
    EXECUTE format('GRANT EXECUTE ON FUNCTION policy.save_trigger_windows(text[], bytea[], integer[], bigint[], jsonb[], bigint[]) TO %I',
                   current_setting('palisade.runtime_role'));
END
$$;
