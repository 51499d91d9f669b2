CREATE TABLE "tasks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"reception_id" bigint NOT NULL,
	"title" text NOT NULL,
	"template" text NOT NULL,
	"owner" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"done_by" text,
	"done_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "receptions" ADD COLUMN "group_ref" text;--> statement-breakpoint
ALTER TABLE "receptions" ADD COLUMN "checklist_ref" text;--> statement-breakpoint
ALTER TABLE "receptions" ADD COLUMN "progress_ref" text;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_reception_id_receptions_id_fk" FOREIGN KEY ("reception_id") REFERENCES "public"."receptions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tasks_reception_idx" ON "tasks" USING btree ("reception_id");--> statement-breakpoint
CREATE INDEX "tasks_open_due_idx" ON "tasks" USING btree ("status","due_at");