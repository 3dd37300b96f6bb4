using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Convergio.Api.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddSessionDeviceId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "device_id",
                table: "sessions",
                type: "uuid",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "device_id",
                table: "sessions");
        }
    }
}
