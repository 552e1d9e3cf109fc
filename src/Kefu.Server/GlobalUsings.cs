// Kefu's error records share names with ASP.NET Core's result types; in this project the names mean ours.
global using Conflict = Kefu.Core.Common.Conflict;
global using NotFound = Kefu.Core.Common.NotFound;
