CREATE TABLE `maintenance_marks` (
	`name` text PRIMARY KEY NOT NULL,
	`version` text NOT NULL,
	`updated_at` integer NOT NULL
);
