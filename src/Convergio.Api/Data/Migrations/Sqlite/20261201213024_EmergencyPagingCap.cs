using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Convergio.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EmergencyPagingCap : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "emergency_alerts",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "TEXT", nullable: false),
                    report_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    raised_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    paged_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    digested_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_emergency_alerts", x => x.id);
                    table.ForeignKey(
                        name: "FK_emergency_alerts_security_reports_report_id",
                        column: x => x.report_id,
                        principalTable: "security_reports",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_emergency_alerts_digested_at",
                table: "emergency_alerts",
                column: "digested_at");

            migrationBuilder.CreateIndex(
                name: "IX_emergency_alerts_paged_at",
                table: "emergency_alerts",
                column: "paged_at");

            migrationBuilder.CreateIndex(
                name: "IX_emergency_alerts_report_id",
                table: "emergency_alerts",
                column: "report_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "emergency_alerts");
        }
    }
}
