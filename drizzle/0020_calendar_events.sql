CREATE TABLE "calendar_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"reception_id" bigint NOT NULL,
	"person" text NOT NULL,
	"generation" integer DEFAULT 1 NOT NULL,
	"calendar_id" text,
	"event_id" text,
	"attendee_added" boolean DEFAULT false NOT NULL,
	"synced" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "calendar_events" ADD CONSTRAINT "calendar_events_reception_id_receptions_id_fk" FOREIGN KEY ("reception_id") REFERENCES "public"."receptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "calendar_events_person_uq" ON "calendar_events" USING btree ("reception_id","person");