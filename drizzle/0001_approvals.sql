CREATE TABLE "approvals" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"reception_id" bigint NOT NULL,
	"round" integer NOT NULL,
	"step" integer NOT NULL,
	"levels" jsonb NOT NULL,
	"role" text NOT NULL,
	"approver" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"acted_by" text,
	"on_behalf_of" text,
	"comment" text,
	"card_refs" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "delegations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"principal" text NOT NULL,
	"delegate" text NOT NULL,
	"until" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "reception_counters" (
	"year" integer PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "receptions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"requester" text NOT NULL,
	"department" text NOT NULL,
	"state" text NOT NULL,
	"form" jsonb NOT NULL,
	"findings" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"reason" text,
	"extra_level" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"round" integer DEFAULT 1 NOT NULL,
	"status_message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "approvals" ADD CONSTRAINT "approvals_reception_id_receptions_id_fk" FOREIGN KEY ("reception_id") REFERENCES "public"."receptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_step_uq" ON "approvals" USING btree ("reception_id","round","step");--> statement-breakpoint
CREATE INDEX "approvals_pending_idx" ON "approvals" USING btree ("status","approver");--> statement-breakpoint
CREATE INDEX "delegations_principal_idx" ON "delegations" USING btree ("principal");--> statement-breakpoint
CREATE UNIQUE INDEX "receptions_code_uq" ON "receptions" USING btree ("code");--> statement-breakpoint
CREATE INDEX "receptions_requester_idx" ON "receptions" USING btree ("requester");