-- The watcher schema belongs to palisade-watcher alone; its tables arrive with its features.
COMMENT ON SCHEMA watcher IS 'Owned by palisade-watcher. Other services reach this data only through Kafka or HTTP.';
