using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class SlaAndCalendars : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "AwaitingReplySince",
                table: "Conversations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "FirstResponseDueAt",
                table: "Conversations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "FirstResponseSlaStage",
                table: "Conversations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "NextResponseCycle",
                table: "Conversations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "NextResponseDueAt",
                table: "Conversations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "NextResponsePausedBase",
                table: "Conversations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<int>(
                name: "NextResponseSlaStage",
                table: "Conversations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "NextResponseStartedAt",
                table: "Conversations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "NextSlaDueAt",
                table: "Conversations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ResolutionDueAt",
                table: "Conversations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "ResolutionSlaStage",
                table: "Conversations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<long>(
                name: "SlaPausedSeconds",
                table: "Conversations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "SlaPausedSince",
                table: "Conversations",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SlaPolicyId",
                table: "Conversations",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Capacities",
                table: "Agents",
                type: "TEXT",
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "Languages",
                table: "Agents",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<string>(
                name: "Skills",
                table: "Agents",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.CreateTable(
                name: "BusinessCalendars",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Slots = table.Column<string>(type: "TEXT", nullable: false),
                    Holidays = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BusinessCalendars", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SlaEvents",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConversationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PolicyId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Metric = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Cycle = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Level = table.Column<int>(type: "INTEGER", nullable: false),
                    DueAt = table.Column<long>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SlaEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SlaEvents_Conversations_ConversationId",
                        column: x => x.ConversationId,
                        principalTable: "Conversations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SlaPolicies",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Position = table.Column<int>(type: "INTEGER", nullable: false),
                    IsActive = table.Column<bool>(type: "INTEGER", nullable: false),
                    Channels = table.Column<string>(type: "TEXT", nullable: false),
                    Priorities = table.Column<string>(type: "TEXT", nullable: false),
                    CategoryIds = table.Column<string>(type: "TEXT", nullable: false),
                    Segments = table.Column<string>(type: "TEXT", nullable: false),
                    CalendarId = table.Column<Guid>(type: "TEXT", nullable: true),
                    FirstResponseMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    NextResponseMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    ResolutionMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    WarningPercent = table.Column<int>(type: "INTEGER", nullable: false),
                    Escalations = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SlaPolicies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SlaPolicies_BusinessCalendars_CalendarId",
                        column: x => x.CalendarId,
                        principalTable: "BusinessCalendars",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_FirstResponseDueAt",
                table: "Conversations",
                column: "FirstResponseDueAt");

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_NextSlaDueAt",
                table: "Conversations",
                column: "NextSlaDueAt");

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_ResolutionDueAt",
                table: "Conversations",
                column: "ResolutionDueAt");

            migrationBuilder.CreateIndex(
                name: "IX_Conversations_SlaPolicyId",
                table: "Conversations",
                column: "SlaPolicyId");

            migrationBuilder.CreateIndex(
                name: "IX_BusinessCalendars_Name",
                table: "BusinessCalendars",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SlaEvents_ConversationId_Metric_Cycle_Kind_Level",
                table: "SlaEvents",
                columns: new[] { "ConversationId", "Metric", "Cycle", "Kind", "Level" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SlaEvents_Kind_At",
                table: "SlaEvents",
                columns: new[] { "Kind", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_SlaPolicies_CalendarId",
                table: "SlaPolicies",
                column: "CalendarId");

            migrationBuilder.CreateIndex(
                name: "IX_SlaPolicies_Name",
                table: "SlaPolicies",
                column: "Name",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_Conversations_SlaPolicies_SlaPolicyId",
                table: "Conversations",
                column: "SlaPolicyId",
                principalTable: "SlaPolicies",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Conversations_SlaPolicies_SlaPolicyId",
                table: "Conversations");

            migrationBuilder.DropTable(
                name: "SlaEvents");

            migrationBuilder.DropTable(
                name: "SlaPolicies");

            migrationBuilder.DropTable(
                name: "BusinessCalendars");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_FirstResponseDueAt",
                table: "Conversations");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_NextSlaDueAt",
                table: "Conversations");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_ResolutionDueAt",
                table: "Conversations");

            migrationBuilder.DropIndex(
                name: "IX_Conversations_SlaPolicyId",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "AwaitingReplySince",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "FirstResponseDueAt",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "FirstResponseSlaStage",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "NextResponseCycle",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "NextResponseDueAt",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "NextResponsePausedBase",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "NextResponseSlaStage",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "NextResponseStartedAt",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "NextSlaDueAt",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "ResolutionDueAt",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "ResolutionSlaStage",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "SlaPausedSeconds",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "SlaPausedSince",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "SlaPolicyId",
                table: "Conversations");

            migrationBuilder.DropColumn(
                name: "Capacities",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "Languages",
                table: "Agents");

            migrationBuilder.DropColumn(
                name: "Skills",
                table: "Agents");
        }
    }
}
