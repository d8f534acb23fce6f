-- A closed request that comes back says so: when it was last reopened and by whom (a visitor who wrote again, or a
-- desk member). Null on requests never reopened.
ALTER TABLE requests ADD COLUMN reopened_at timestamptz;
ALTER TABLE requests ADD COLUMN reopened_by text;
