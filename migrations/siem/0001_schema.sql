-- The siem schema belongs to palisade-siem alone; its tables arrive with its features.
COMMENT ON SCHEMA siem IS 'Owned by palisade-siem. Other services reach this data only through Kafka or HTTP.';
