using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Convergio.Api.Data.Migrations.Postgres
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
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "assessed_severity",
                table: "security_reports",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "triage_overdue_alerted_at",
                table: "security_reports",
                type: "timestamp with time zone",
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
