using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Convergio.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AuditSealing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "prev_hash",
                table: "audit_events",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64);

            migrationBuilder.AlterColumn<string>(
                name: "hash",
                table: "audit_events",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64);

            migrationBuilder.AddColumn<string>(
                name: "personal_digest",
                table: "audit_events",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "personal_key",
                table: "audit_events",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "seq",
                table: "audit_events",
                type: "bigint",
                nullable: true);

            // Events appended before sealing existed: their id was their chain position, and they stay format v1.
            migrationBuilder.Sql("UPDATE audit_events SET seq = id;");

            // Identity values were written explicitly by the old append path, so the sequence never moved.
            migrationBuilder.Sql("SELECT setval(pg_get_serial_sequence('audit_events', 'id'), COALESCE((SELECT MAX(id) FROM audit_events), 1), (SELECT MAX(id) FROM audit_events) IS NOT NULL);");

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_seq",
                table: "audit_events",
                column: "seq",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_audit_events_seq",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "personal_digest",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "personal_key",
                table: "audit_events");

            migrationBuilder.DropColumn(
                name: "seq",
                table: "audit_events");

            migrationBuilder.AlterColumn<string>(
                name: "prev_hash",
                table: "audit_events",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64,
                oldNullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "hash",
                table: "audit_events",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "character varying(64)",
                oldMaxLength: 64,
                oldNullable: true);
        }
    }
}
