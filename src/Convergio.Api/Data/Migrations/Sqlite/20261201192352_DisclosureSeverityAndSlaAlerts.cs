using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Convergio.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class DisclosureSeverityAndSlaAlerts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ack_overdue_alerted_at",
                table: "security_reports",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "assessed_severity",
                table: "security_reports",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "triage_overdue_alerted_at",
                table: "security_reports",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ack_overdue_alerted_at",
                table: "security_reports");

            migrationBuilder.DropColumn(
                name: "assessed_severity",
                table: "security_reports");

            migrationBuilder.DropColumn(
                name: "triage_overdue_alerted_at",
                table: "security_reports");
        }
    }
}
