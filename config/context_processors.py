from shared.roles import is_agent, is_manager


def roles(request):
    user = getattr(request, "user", None)
    return {"is_agent": is_agent(user), "is_manager": is_manager(user)}
