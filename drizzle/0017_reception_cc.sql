ALTER TABLE "receptions" ADD COLUMN "cc" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "receptions" ADD COLUMN "cc_cards" jsonb DEFAULT '[]'::jsonb NOT NULL;