CREATE TYPE "public"."zwave_slot_state" AS ENUM('writing', 'set', 'queued', 'clearing');--> statement-breakpoint
ALTER TYPE "public"."lock_adapter" ADD VALUE 'zwave';--> statement-breakpoint
CREATE TABLE "zwave_code_slots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"slot" integer NOT NULL,
	"keyhold_code_id" uuid NOT NULL,
	"code" text NOT NULL,
	"state" "zwave_slot_state" NOT NULL,
	"assigned_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "zwave_locks" (
	"connection_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"checksum" integer,
	"full_read_at" timestamp with time zone,
	CONSTRAINT "zwave_locks_connection_id_external_id_pk" PRIMARY KEY("connection_id","external_id")
);
--> statement-breakpoint
ALTER TABLE "zwave_code_slots" ADD CONSTRAINT "zwave_code_slots_connection_id_adapter_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."adapter_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zwave_locks" ADD CONSTRAINT "zwave_locks_connection_id_adapter_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."adapter_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "zwave_code_slots_held_key" ON "zwave_code_slots" USING btree ("connection_id","external_id","slot") WHERE "zwave_code_slots"."released_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "zwave_code_slots_code_key" ON "zwave_code_slots" USING btree ("connection_id","external_id","keyhold_code_id") WHERE "zwave_code_slots"."released_at" is null;--> statement-breakpoint
CREATE INDEX "zwave_code_slots_history_idx" ON "zwave_code_slots" USING btree ("connection_id","external_id","slot","assigned_at");