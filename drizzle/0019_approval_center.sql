CREATE TABLE "approval_center_instances" (
	"instance_id" text PRIMARY KEY NOT NULL,
	"reception_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"rounds" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"tasks" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"change_diff" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
