-- The alerts schema belongs to palisade-alerts alone; its tables arrive with its features.
COMMENT ON SCHEMA alerts IS 'Owned by palisade-alerts. Other services reach this data only through Kafka or HTTP.';
