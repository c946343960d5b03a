CREATE TYPE "public"."staff_role" AS ENUM('cleaning', 'maintenance', 'owner', 'other');--> statement-breakpoint
CREATE TYPE "public"."staff_window_kind" AS ENUM('weekly', 'turnover');--> statement-breakpoint
ALTER TYPE "public"."message_kind" ADD VALUE 'staff_code' BEFORE 'webhook_event';--> statement-breakpoint
CREATE TABLE "lock_group_devices" (
	"group_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	CONSTRAINT "lock_group_devices_group_id_device_id_pk" PRIMARY KEY("group_id","device_id")
);
--> statement-breakpoint
CREATE TABLE "lock_groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"property_id" uuid NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_access" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"staff_member_id" uuid NOT NULL,
	"device_id" uuid,
	"group_id" uuid,
	CONSTRAINT "staff_access_one_target" CHECK (("staff_access"."device_id" is null) <> ("staff_access"."group_id" is null))
);
--> statement-breakpoint
CREATE TABLE "staff_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"role" "staff_role" NOT NULL,
	"email" text,
	"phone" text,
	"code" text NOT NULL,
	"code_rotated_at" timestamp with time zone,
	"removed_at" timestamp with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_windows" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"staff_member_id" uuid NOT NULL,
	"kind" "staff_window_kind" NOT NULL,
	"days" integer[],
	"start_time" time,
	"end_time" time,
	"opens_after_check_out_minutes" integer DEFAULT 0 NOT NULL,
	"closes_before_check_in_minutes" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "access_codes" ADD COLUMN "staff_member_id" uuid;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "backup_pool_size" integer;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "common_door" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "common_door_group_id" uuid;--> statement-breakpoint
ALTER TABLE "reservation_devices" ADD COLUMN "via_common_door" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "lock_group_devices" ADD CONSTRAINT "lock_group_devices_group_id_lock_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."lock_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lock_group_devices" ADD CONSTRAINT "lock_group_devices_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lock_group_devices" ADD CONSTRAINT "lock_group_devices_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lock_groups" ADD CONSTRAINT "lock_groups_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "lock_groups" ADD CONSTRAINT "lock_groups_property_id_properties_id_fk" FOREIGN KEY ("property_id") REFERENCES "public"."properties"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_access" ADD CONSTRAINT "staff_access_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_access" ADD CONSTRAINT "staff_access_staff_member_id_staff_members_id_fk" FOREIGN KEY ("staff_member_id") REFERENCES "public"."staff_members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_access" ADD CONSTRAINT "staff_access_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_access" ADD CONSTRAINT "staff_access_group_id_lock_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."lock_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_members" ADD CONSTRAINT "staff_members_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_windows" ADD CONSTRAINT "staff_windows_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_windows" ADD CONSTRAINT "staff_windows_staff_member_id_staff_members_id_fk" FOREIGN KEY ("staff_member_id") REFERENCES "public"."staff_members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lock_group_devices_device_idx" ON "lock_group_devices" USING btree ("device_id");--> statement-breakpoint
CREATE UNIQUE INDEX "lock_groups_name_key" ON "lock_groups" USING btree ("organization_id","property_id","name");--> statement-breakpoint
CREATE INDEX "staff_access_member_idx" ON "staff_access" USING btree ("staff_member_id");--> statement-breakpoint
CREATE INDEX "staff_access_device_idx" ON "staff_access" USING btree ("device_id");--> statement-breakpoint
CREATE INDEX "staff_access_group_idx" ON "staff_access" USING btree ("group_id");--> statement-breakpoint
CREATE INDEX "staff_members_organization_idx" ON "staff_members" USING btree ("organization_id","name");--> statement-breakpoint
CREATE INDEX "staff_windows_member_idx" ON "staff_windows" USING btree ("staff_member_id");--> statement-breakpoint
ALTER TABLE "access_codes" ADD CONSTRAINT "access_codes_staff_member_id_staff_members_id_fk" FOREIGN KEY ("staff_member_id") REFERENCES "public"."staff_members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_common_door_group_id_lock_groups_id_fk" FOREIGN KEY ("common_door_group_id") REFERENCES "public"."lock_groups"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_codes_staff_idx" ON "access_codes" USING btree ("staff_member_id","device_id") WHERE "access_codes"."staff_member_id" is not null;