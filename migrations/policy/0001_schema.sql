-- The policy schema belongs to palisade-policy alone; its tables arrive with its features.
COMMENT ON SCHEMA policy IS 'Owned by palisade-policy. Other services reach this data only through Kafka or HTTP.';
