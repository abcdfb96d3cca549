using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Antiforgery;

namespace Fleet.AuthService.SignIn;

/// <summary>The sign-in form, server-rendered: no script, nothing from the request unencoded, never cached or framed.</summary>
public sealed class SignInPage(string returnUrl, string? userName, string? error) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var tokens = httpContext.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(httpContext);
        var response = httpContext.Response;
        response.ContentType = "text/html; charset=utf-8";
        response.Headers.CacheControl = "no-store";
        response.Headers.XFrameOptions = "DENY";
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
        var html = HtmlEncoder.Default;
        await response.WriteAsync($$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Sign in to Fleet</title>
              <style>
                body { font-family: system-ui, sans-serif; max-width: 22rem; margin: 4rem auto; padding: 0 1rem; }
                label { display: block; margin-top: 1rem; }
                input { width: 100%; padding: .5rem; box-sizing: border-box; }
                button { margin-top: 1.5rem; padding: .5rem 1.5rem; }
                .error { color: #b00020; }
              </style>
            </head>
            <body>
              <h1>Sign in to Fleet</h1>
              {{(error is null ? "" : $"<p class=\"error\" role=\"alert\">{html.Encode(error)}</p>")}}
              <form method="post" action="{{SignInCookie.PagePath}}">
                <input type="hidden" name="{{html.Encode(tokens.FormFieldName)}}" value="{{html.Encode(tokens.RequestToken!)}}">
                <input type="hidden" name="returnUrl" value="{{html.Encode(returnUrl)}}">
                <label>User name <input name="userName" autocomplete="username" required maxlength="64" value="{{html.Encode(userName ?? "")}}"></label>
                <label>Password <input name="password" type="password" autocomplete="current-password" required maxlength="256"></label>
                <button type="submit">Sign in</button>
              </form>
            </body>
            </html>
            """);
    }
}
