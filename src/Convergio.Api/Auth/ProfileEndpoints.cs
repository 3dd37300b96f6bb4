using Convergio.Api.Audit;
using Convergio.Api.Auth.Mfa;
using Convergio.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Convergio.Api.Auth;

/// <summary>The signed-in user's own profile.</summary>
internal static class ProfileEndpoints
{
    internal static async Task<Results<Ok<UserResponse>, ValidationProblem>> UpdateMeAsync(
        UpdateProfileRequest request, HttpContext http, ConvergioDb db, SecondFactors factors, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var fullName = FullNames.Normalize(request.FullName);
        if (FullNames.Problem(fullName) is { } problem)
        {
            return ApiProblems.Invalid("fullName", problem);
        }

        var userId = http.User.GetUserId();
        var user = await db.Users.SingleAsync(u => u.Id == userId, cancellationToken);
        if (user.FullName != fullName)
        {
            user.FullName = fullName;
            user.UpdatedAt = time.GetUtcNow().UtcDateTime;
            audit.Record(AuthAuditActions.ProfileUpdated, targetType: "user", targetId: userId.ToString());
            await db.SaveChangesAsync(cancellationToken);
        }
        return TypedResults.Ok(UserResponse.From(user, await factors.IsEnabledAsync(userId, cancellationToken)));
    }
}
