-- Edited by hand (as 0002): the key in the "C" collation, so that a userName prefix is a range of
-- this index, and only the keyed (SCIM) identities in it, as on SQLite. A list's count of a prefix
-- matching thousands reads this index alone.
CREATE INDEX "identities_provider_username_cover_idx" ON "identities" ("identity_provider_id", "username_key" COLLATE "C", "tenant_id", "user_id") WHERE "username_key" IS NOT NULL;
