CREATE TABLE "place_imports" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"requested_by" text NOT NULL,
	"chat_id" text NOT NULL,
	"status" text DEFAULT 'awaiting_file' NOT NULL,
	"file_name" text,
	"data" "bytea",
	"parsed" jsonb,
	"report" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "places" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"address" text,
	"summary" text,
	"theme" text,
	"minutes" integer,
	"explainer" text,
	"contact" text,
	"phone" text,
	"price_fen" integer,
	"stops" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reception_reviews" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"reception_id" bigint NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"overall" text,
	"good" text,
	"improve" text,
	"guest_opinion" text,
	"site_feedback" jsonb,
	"by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"submitted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "reception_reviews" ADD CONSTRAINT "reception_reviews_reception_id_receptions_id_fk" FOREIGN KEY ("reception_id") REFERENCES "public"."receptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "place_imports_requested_by_idx" ON "place_imports" USING btree ("requested_by","status");--> statement-breakpoint
CREATE UNIQUE INDEX "places_kind_name_uq" ON "places" USING btree ("kind","name");--> statement-breakpoint
CREATE UNIQUE INDEX "reception_reviews_reception_uq" ON "reception_reviews" USING btree ("reception_id");--> statement-breakpoint
CREATE INDEX "reception_reviews_status_idx" ON "reception_reviews" USING btree ("status");