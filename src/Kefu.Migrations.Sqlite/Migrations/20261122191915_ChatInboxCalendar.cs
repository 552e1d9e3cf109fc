using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kefu.Migrations.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ChatInboxCalendar : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "CalendarId",
                table: "ChatInboxes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_ChatInboxes_CalendarId",
                table: "ChatInboxes",
                column: "CalendarId");

            migrationBuilder.AddForeignKey(
                name: "FK_ChatInboxes_BusinessCalendars_CalendarId",
                table: "ChatInboxes",
                column: "CalendarId",
                principalTable: "BusinessCalendars",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_ChatInboxes_BusinessCalendars_CalendarId",
                table: "ChatInboxes");

            migrationBuilder.DropIndex(
                name: "IX_ChatInboxes_CalendarId",
                table: "ChatInboxes");

            migrationBuilder.DropColumn(
                name: "CalendarId",
                table: "ChatInboxes");
        }
    }
}
