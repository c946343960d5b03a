ALTER TABLE "access_codes" ADD COLUMN "last_external_ref" text;--> statement-breakpoint
UPDATE "access_codes" SET "last_external_ref" = "external_ref" WHERE "external_ref" IS NOT NULL;
