CREATE TABLE "guest_profiles" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	"unit" text,
	"title" text,
	"notes" text,
	"last_code" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "guest_visits" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"reception_id" bigint NOT NULL,
	"code" text NOT NULL,
	"unit_key" text NOT NULL,
	"unit" text NOT NULL,
	"lead_key" text NOT NULL,
	"lead_name" text NOT NULL,
	"lead_title" text NOT NULL,
	"purpose" text NOT NULL,
	"arrive_date" text NOT NULL,
	"guest_count" integer NOT NULL,
	"notes" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "receptions" ADD COLUMN "history" jsonb;--> statement-breakpoint
ALTER TABLE "guest_visits" ADD CONSTRAINT "guest_visits_reception_id_receptions_id_fk" FOREIGN KEY ("reception_id") REFERENCES "public"."receptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "guest_profiles_kind_key_uq" ON "guest_profiles" USING btree ("kind","key");--> statement-breakpoint
CREATE UNIQUE INDEX "guest_visits_reception_uq" ON "guest_visits" USING btree ("reception_id");--> statement-breakpoint
CREATE INDEX "guest_visits_unit_idx" ON "guest_visits" USING btree ("unit_key");--> statement-breakpoint
CREATE INDEX "guest_visits_lead_idx" ON "guest_visits" USING btree ("lead_key");