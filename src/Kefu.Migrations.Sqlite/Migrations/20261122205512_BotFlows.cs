using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Migrations.Sqlite.Migrations
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
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "BotFlows",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    InboxIds = table.Column<string>(type: "TEXT", nullable: false),
                    TriggersZh = table.Column<string>(type: "TEXT", nullable: false),
                    TriggersEn = table.Column<string>(type: "TEXT", nullable: false),
                    FaqKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Steps = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
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
