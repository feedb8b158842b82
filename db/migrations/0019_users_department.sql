-- The console's user list filtered by department (db/queries/console-users.ts): the department's users in
-- email order, so that a small department is a short range instead of a walk of every user of the tenant
-- (3.9 s for a department without users on 1,000,000). The department leads, so that no lookup by the
-- tenant alone takes this index for one of its own. Written by hand: drizzle's schema derives no
-- expression index (docs/decisions/0005).
CREATE INDEX `users_department_tenant_email_idx` ON `users` ((`properties` ->> 'department'), `tenant_id`, `email_normalized`);
