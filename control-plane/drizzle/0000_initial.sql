CREATE TABLE "code_blobs" (
	"sha256" text PRIMARY KEY NOT NULL,
	"data" "bytea" NOT NULL,
	"size" integer NOT NULL,
	"files" integer NOT NULL,
	"unpacked_bytes" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "function_versions" (
	"function_name" text NOT NULL,
	"version" integer NOT NULL,
	"runtime" text NOT NULL,
	"handler" text NOT NULL,
	"memory_mb" integer NOT NULL,
	"timeout_sec" integer NOT NULL,
	"env" jsonb NOT NULL,
	"max_concurrency" integer NOT NULL,
	"backend" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"min_warm" integer DEFAULT 0 NOT NULL,
	"code_sha256" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "function_versions_function_name_version_pk" PRIMARY KEY("function_name","version")
);
--> statement-breakpoint
CREATE TABLE "functions" (
	"name" text PRIMARY KEY NOT NULL,
	"latest_version" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invocations" (
	"id" text PRIMARY KEY NOT NULL,
	"function" text NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"agent_id" text DEFAULT '' NOT NULL,
	"backend" text DEFAULT '' NOT NULL,
	"runtime" text DEFAULT '' NOT NULL,
	"status" text NOT NULL,
	"error_type" text DEFAULT '' NOT NULL,
	"error_message" text DEFAULT '' NOT NULL,
	"cold_start" boolean DEFAULT false NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"queue_ms" double precision DEFAULT 0 NOT NULL,
	"start_ms" double precision DEFAULT 0 NOT NULL,
	"init_ms" double precision DEFAULT 0 NOT NULL,
	"duration_ms" double precision DEFAULT 0 NOT NULL,
	"billed_ms" double precision DEFAULT 0 NOT NULL,
	"overhead_ms" double precision DEFAULT 0 NOT NULL,
	"max_memory_mb" integer DEFAULT 0 NOT NULL,
	"cpu_ms" double precision DEFAULT 0 NOT NULL,
	"request_bytes" integer DEFAULT 0 NOT NULL,
	"response_bytes" integer DEFAULT 0 NOT NULL,
	"memory_mb" integer DEFAULT 0 NOT NULL,
	"logs" text DEFAULT '' NOT NULL,
	"logs_truncated" boolean DEFAULT false NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', "error_type" || ' ' || "error_message" || ' ' || left("logs", 300000))) STORED
);
--> statement-breakpoint
CREATE TABLE "nodes" (
	"id" text PRIMARY KEY NOT NULL,
	"address" text NOT NULL,
	"status" jsonb NOT NULL,
	"state" text NOT NULL,
	"registered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "function_versions" ADD CONSTRAINT "function_versions_function_name_functions_name_fk" FOREIGN KEY ("function_name") REFERENCES "public"."functions"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "function_versions" ADD CONSTRAINT "function_versions_code_sha256_code_blobs_sha256_fk" FOREIGN KEY ("code_sha256") REFERENCES "public"."code_blobs"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "function_versions_code_idx" ON "function_versions" USING btree ("code_sha256");--> statement-breakpoint
CREATE INDEX "invocations_function_started_idx" ON "invocations" USING btree ("function","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "invocations_started_idx" ON "invocations" USING btree ("started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "invocations_status_started_idx" ON "invocations" USING btree ("status","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "invocations_agent_started_idx" ON "invocations" USING btree ("agent_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "invocations_search_idx" ON "invocations" USING gin ("search_vector");