ALTER TABLE "messages" ADD COLUMN "codes_digest" text;--> statement-breakpoint
CREATE INDEX "messages_failed_idx" ON "messages" USING btree ("updated_at") WHERE "messages"."status" = 'failed';