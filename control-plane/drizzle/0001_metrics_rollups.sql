CREATE TABLE "metrics_consumer_state" (
	"stream" text PRIMARY KEY NOT NULL,
	"last_seq" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "metrics_rollups" (
	"resolution_sec" smallint NOT NULL,
	"bucket" timestamp with time zone NOT NULL,
	"function" text NOT NULL,
	"agent_id" text NOT NULL,
	"backend" text NOT NULL,
	"invocations" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"throttles" integer DEFAULT 0 NOT NULL,
	"cold_starts" integer DEFAULT 0 NOT NULL,
	"timeouts" integer DEFAULT 0 NOT NULL,
	"errors_by_type" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"duration_sum_ms" double precision DEFAULT 0 NOT NULL,
	"cold_start_sum_ms" double precision DEFAULT 0 NOT NULL,
	"gb_seconds" double precision DEFAULT 0 NOT NULL,
	"billed_seconds" double precision DEFAULT 0 NOT NULL,
	"overhead_sum_ms" double precision DEFAULT 0 NOT NULL,
	"overhead_count" integer DEFAULT 0 NOT NULL,
	"latency" "bytea",
	CONSTRAINT "metrics_rollups_pk" PRIMARY KEY("resolution_sec","bucket","function","agent_id","backend")
);
--> statement-breakpoint
CREATE INDEX "metrics_rollups_function_idx" ON "metrics_rollups" USING btree ("resolution_sec","function","bucket");