-- The console's user list filtered by department, in email order (see db/migrations/0019_users_department.sql);
-- emails compare in code point order here as in the other email indexes (collate "C").
CREATE INDEX "users_department_tenant_email_idx" ON "users" (("properties" ->> 'department'), "tenant_id", "email_normalized" COLLATE "C");
