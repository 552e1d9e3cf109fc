using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class BotFlows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Flow",
                table: "BotSessions",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "BotFlows",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Enabled = table.Column<bool>(type: "boolean", nullable: false),
                    InboxIds = table.Column<string>(type: "text", nullable: false),
                    TriggersZh = table.Column<string>(type: "text", nullable: false),
                    TriggersEn = table.Column<string>(type: "text", nullable: false),
                    FaqKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Steps = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BotFlows", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_BotFlows_Enabled",
                table: "BotFlows",
                column: "Enabled");

            migrationBuilder.CreateIndex(
                name: "IX_BotFlows_Name",
                table: "BotFlows",
                column: "Name",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BotFlows");

            migrationBuilder.DropColumn(
                name: "Flow",
                table: "BotSessions");
        }
    }
}
