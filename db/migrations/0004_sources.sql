CREATE TYPE "public"."imported_code_policy" AS ENUM('random', 'phone_last_4', 'phone_last_6');--> statement-breakpoint
CREATE TYPE "public"."reservation_source_kind" AS ENUM('ical', 'webhook', 'csv');--> statement-breakpoint
CREATE TYPE "public"."source_booking_status" AS ENUM('live', 'cancelled', 'ended');--> statement-breakpoint
CREATE TABLE "reservation_sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"kind" "reservation_source_kind" NOT NULL,
	"name" text NOT NULL,
	"property_id" uuid NOT NULL,
	"device_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"preset" text DEFAULT 'generic' NOT NULL,
	"url_sealed" text,
	"url_label" text,
	"secret_sealed" text,
	"approved_at" timestamp with time zone,
	"etag" text,
	"last_modified" text,
	"body_hash" text,
	"next_read_at" timestamp with time zone,
	"leased_until" timestamp with time zone,
	"last_read_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_error" text,
	"failures" integer DEFAULT 0 NOT NULL,
	"last_booking_count" integer,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "source_bookings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"reservation_id" uuid,
	"confirmation_code" text,
	"status" "source_booking_status" DEFAULT 'live' NOT NULL,
	"fingerprint" text NOT NULL,
	"synced" jsonb,
	"source_updated_at" timestamp (3) with time zone,
	"missing_reads" integer DEFAULT 0 NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "source_events" (
	"source_id" uuid NOT NULL,
	"event_id" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "source_events_source_id_event_id_pk" PRIMARY KEY("source_id","event_id")
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "imported_code_policy" "imported_code_policy" DEFAULT 'random' NOT NULL;--> statement-breakpoint
ALTER TABLE "reservations" ADD COLUMN "source_id" uuid;--> statement-breakpoint
ALTER TABLE "reservation_sources" ADD CONSTRAINT "reservation_sources_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reservation_sources" ADD CONSTRAINT "reservation_sources_property_id_properties_id_fk" FOREIGN KEY ("property_id") REFERENCES "public"."properties"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_bookings" ADD CONSTRAINT "source_bookings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_bookings" ADD CONSTRAINT "source_bookings_source_id_reservation_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."reservation_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_bookings" ADD CONSTRAINT "source_bookings_reservation_id_reservations_id_fk" FOREIGN KEY ("reservation_id") REFERENCES "public"."reservations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_events" ADD CONSTRAINT "source_events_source_id_reservation_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."reservation_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "reservation_sources_organization_idx" ON "reservation_sources" USING btree ("organization_id","name");--> statement-breakpoint
CREATE INDEX "reservation_sources_due_idx" ON "reservation_sources" USING btree ("next_read_at");--> statement-breakpoint
CREATE UNIQUE INDEX "source_bookings_external_key" ON "source_bookings" USING btree ("source_id","external_id");--> statement-breakpoint
CREATE INDEX "source_bookings_reservation_idx" ON "source_bookings" USING btree ("reservation_id");--> statement-breakpoint
CREATE INDEX "source_bookings_confirmation_idx" ON "source_bookings" USING btree ("organization_id","confirmation_code") WHERE "source_bookings"."confirmation_code" is not null;--> statement-breakpoint
CREATE INDEX "source_events_received_idx" ON "source_events" USING btree ("received_at");