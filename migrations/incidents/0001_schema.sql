-- The incidents schema belongs to palisade-incidents alone; its tables arrive with its features.
COMMENT ON SCHEMA incidents IS 'Owned by palisade-incidents. Other services reach this data only through Kafka or HTTP.';
