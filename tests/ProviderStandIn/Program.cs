using Fleet.ProviderStandIn;

var app = ProviderStandInApp.Create(args);
app.Run();
