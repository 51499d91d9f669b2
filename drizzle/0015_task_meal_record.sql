ALTER TABLE "tasks" ADD COLUMN "form" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD COLUMN "record" jsonb;