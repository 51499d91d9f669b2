CREATE TABLE "ledger_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"reception_id" bigint,
	"code" text,
	"import_key" text,
	"import_batch" text,
	"date" date NOT NULL,
	"guest_unit" text NOT NULL,
	"lead_name" text NOT NULL,
	"lead_title" text NOT NULL,
	"lead_rank" text NOT NULL,
	"kind" text NOT NULL,
	"guest_count" integer NOT NULL,
	"purpose" text NOT NULL,
	"accompany_count" integer DEFAULT 0 NOT NULL,
	"total_fen" bigint,
	"department" text NOT NULL,
	"letter_no" text,
	"category" text NOT NULL,
	"status" text NOT NULL,
	"findings" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_reception_id_receptions_id_fk" FOREIGN KEY ("reception_id") REFERENCES "public"."receptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_entries_date_idx" ON "ledger_entries" USING btree ("date");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_reception_uq" ON "ledger_entries" USING btree ("reception_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_entries_import_key_uq" ON "ledger_entries" USING btree ("import_key");