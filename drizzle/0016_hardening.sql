CREATE TABLE "app_keys" (
	"name" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sim_images" ALTER COLUMN "data" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "sim_images" ADD COLUMN "file" text;--> statement-breakpoint
ALTER TABLE "ledger_imports" ADD COLUMN "parsed" jsonb;