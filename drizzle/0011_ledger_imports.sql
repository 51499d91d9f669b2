CREATE TABLE "ledger_imports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"requested_by" text NOT NULL,
	"chat_id" text NOT NULL,
	"status" text DEFAULT 'awaiting_file' NOT NULL,
	"file_name" text,
	"file_sha256" text,
	"data" "bytea",
	"report" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "ledger_imports_requested_by_idx" ON "ledger_imports" USING btree ("requested_by","status");