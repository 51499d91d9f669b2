CREATE TABLE "expense_lines" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"settlement_id" bigint NOT NULL,
	"category" text NOT NULL,
	"amount_fen" bigint NOT NULL,
	"persons" integer,
	"payee" text NOT NULL,
	"invoice_no" text,
	"payment" text NOT NULL,
	"items" text,
	"reason" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settlement_documents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"settlement_id" bigint NOT NULL,
	"kind" text DEFAULT '待确认' NOT NULL,
	"line_id" bigint,
	"name" text NOT NULL,
	"status" text DEFAULT 'fetching' NOT NULL,
	"content_type" text,
	"size" integer,
	"sha256" text,
	"data" "bytea",
	"note" text,
	"message_id" text NOT NULL,
	"resource_key" text NOT NULL,
	"uploaded_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "settlements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"reception_id" bigint NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"handler" text NOT NULL,
	"witness" text,
	"guests" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"activities" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"accompany" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reason" text,
	"version" integer DEFAULT 1 NOT NULL,
	"signatures" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"audits" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"card_refs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"settled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "expense_lines" ADD CONSTRAINT "expense_lines_settlement_id_settlements_id_fk" FOREIGN KEY ("settlement_id") REFERENCES "public"."settlements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_documents" ADD CONSTRAINT "settlement_documents_settlement_id_settlements_id_fk" FOREIGN KEY ("settlement_id") REFERENCES "public"."settlements"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlements" ADD CONSTRAINT "settlements_reception_id_receptions_id_fk" FOREIGN KEY ("reception_id") REFERENCES "public"."receptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "expense_lines_settlement_idx" ON "expense_lines" USING btree ("settlement_id");--> statement-breakpoint
CREATE INDEX "expense_lines_invoice_idx" ON "expense_lines" USING btree ("invoice_no");--> statement-breakpoint
CREATE INDEX "settlement_documents_settlement_idx" ON "settlement_documents" USING btree ("settlement_id");--> statement-breakpoint
CREATE UNIQUE INDEX "settlement_documents_message_uq" ON "settlement_documents" USING btree ("message_id","resource_key");--> statement-breakpoint
CREATE UNIQUE INDEX "settlements_reception_uq" ON "settlements" USING btree ("reception_id");--> statement-breakpoint
CREATE INDEX "settlements_state_idx" ON "settlements" USING btree ("state");